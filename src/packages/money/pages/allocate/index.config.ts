export default definePageConfig({
  navigationBarTitleText: '预分配',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
