export default definePageConfig({
  navigationBarTitleText: '发票详情',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
