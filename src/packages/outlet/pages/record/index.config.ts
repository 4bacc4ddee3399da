export default definePageConfig({
  navigationBarTitleText: '充值记录详情',
})
