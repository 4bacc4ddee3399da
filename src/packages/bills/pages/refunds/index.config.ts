export default definePageConfig({
  navigationBarTitleText: '退费记录查询',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
})
