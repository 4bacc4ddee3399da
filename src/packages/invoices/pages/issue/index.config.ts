export default definePageConfig({
  navigationBarTitleText: '开具发票',
})
