export default definePageConfig({
  navigationBarTitleText: '圈存',
  // The native progress is a WeChat custom component; other platforms render the Taro fallback.
  usingComponents: process.env.TARO_ENV === 'weapp' ? { 'load-progress': '../../native-progress/index' } : {},
})
