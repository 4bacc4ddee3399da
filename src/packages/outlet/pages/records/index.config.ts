export default definePageConfig({
  navigationBarTitleText: '充值记录',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
