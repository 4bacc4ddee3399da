export default definePageConfig({
  navigationBarTitleText: '已开票查询',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
