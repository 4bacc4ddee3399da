export default definePageConfig({
  navigationBarTitleText: '网点工作台',
})
