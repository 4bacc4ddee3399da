export default definePageConfig({
  navigationBarTitleText: '圈存',
})
