export default definePageConfig({
  navigationBarTitleText: '浙江ETC',
  enablePullDownRefresh: true,
})
