export default definePageConfig({
  navigationBarTitleText: '通行流水查询',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
