export default definePageConfig({
  navigationBarTitleText: '标签详情',
})
