// Load progress: a native WeChat custom component (used by the load page on WeChat only; other
// platforms render the Taro fallback in packages/load/components/load-progress).
// Shows the steps (done / current / waiting), the percent and the status; on an error it shows the
// message and, when the flow can continue, a 重试 button that triggers `retry`.
Component({
  options: { addGlobalClass: false },
  properties: {
    steps: { type: Array, value: [] },
    current: { type: Number, value: 0 },
    percent: { type: Number, value: 0 },
    status: { type: String, value: '' },
    error: { type: String, value: '' },
    retryable: { type: Boolean, value: false },
  },
  data: {
    items: [],
    width: '0%',
    shownPercent: 0,
  },
  observers: {
    'steps, current, percent, error': function () {
      this.apply()
    },
  },
  lifetimes: {
    attached: function () {
      this.apply()
    },
  },
  methods: {
    apply: function () {
      var steps = this.properties.steps || []
      var current = this.properties.current
      var failed = !!this.properties.error
      var items = []
      for (var i = 0; i < steps.length; i++) {
        var state = i < current ? 'done' : i === current ? (failed ? 'error' : 'active') : 'wait'
        items.push({ label: steps[i], state: state, index: i + 1 })
      }
      var percent = Math.max(0, Math.min(100, Math.round(this.properties.percent || 0)))
      this.setData({ items: items, shownPercent: percent, width: percent + '%' })
    },
    retry: function () {
      if (this.properties.error && this.properties.retryable) this.triggerEvent('retry', {})
    },
  },
})
