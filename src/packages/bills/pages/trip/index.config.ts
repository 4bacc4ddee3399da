export default definePageConfig({
  navigationBarTitleText: '通行详情',
})
