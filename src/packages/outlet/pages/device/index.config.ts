export default definePageConfig({
  navigationBarTitleText: '选择设备',
})
