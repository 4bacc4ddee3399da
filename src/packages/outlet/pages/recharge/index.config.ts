export default definePageConfig({
  navigationBarTitleText: '用户卡充值',
})
