export default definePageConfig({
  navigationBarTitleText: '账号校验',
})
