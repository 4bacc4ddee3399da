export default definePageConfig({
  navigationBarTitleText: '车辆',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
  // The native plate keyboard is a WeChat custom component; other platforms type the plate in an Input.
  usingComponents:
    process.env.TARO_ENV === 'weapp'
      ? { 'plate-keyboard': '../../components/native/plate-keyboard/index' }
      : {},
})
