export default definePageConfig({
  navigationBarTitleText: '标签管理',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
