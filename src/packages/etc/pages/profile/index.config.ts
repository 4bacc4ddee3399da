export default definePageConfig({
  navigationBarTitleText: '用户基本信息',
})
