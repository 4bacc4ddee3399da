export default definePageConfig({
  navigationBarTitleText: '通行卡详情',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
