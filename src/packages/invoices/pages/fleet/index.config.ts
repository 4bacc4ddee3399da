export default definePageConfig({
  navigationBarTitleText: '批量开票设置',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
