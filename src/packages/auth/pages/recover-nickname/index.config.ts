export default definePageConfig({
  navigationBarTitleText: '找回昵称',
})
