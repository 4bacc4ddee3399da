export default definePageConfig({
  navigationBarTitleText: '开票设置',
  enablePullDownRefresh: true,
})
