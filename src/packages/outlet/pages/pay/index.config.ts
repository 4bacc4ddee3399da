export default definePageConfig({
  navigationBarTitleText: '网点充值支付',
})
