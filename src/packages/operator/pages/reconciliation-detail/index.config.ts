export default definePageConfig({
  navigationBarTitleText: '对账报告详情',
})
