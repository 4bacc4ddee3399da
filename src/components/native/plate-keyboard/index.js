// Plate-number keyboard: a native WeChat custom component (used by the vehicles page on WeChat only).
// Taps on keys build the plate; every change triggers `change` and `input` with { value }; 完成 triggers `confirm`.
var PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'.split('')
var ROWS = [
  '1234567890'.split(''),
  'QWERTYUPGH'.split(''),
  'ASDFJKLZXC'.split(''),
  'VBNM学警港澳挂领'.split(''),
]
var MAX_LENGTH = 8

function split(value) {
  var list = []
  for (var i = 0; i < value.length; i++) list.push(value[i])
  return list
}

Component({
  options: { addGlobalClass: false },
  properties: {
    value: { type: String, value: '' },
    show: { type: Boolean, value: true },
    maxLength: { type: Number, value: MAX_LENGTH },
  },
  data: {
    current: '',
    chars: [],
    mode: 'province',
    provinces: PROVINCES,
    rows: ROWS,
  },
  observers: {
    value: function (value) {
      this.apply(value || '', false)
    },
  },
  lifetimes: {
    attached: function () {
      this.apply(this.properties.value || '', false)
    },
  },
  methods: {
    apply: function (value, emit) {
      this.setData({ current: value, chars: split(value), mode: value.length === 0 ? 'province' : 'char' })
      if (emit) {
        this.triggerEvent('change', { value: value })
        this.triggerEvent('input', { value: value })
      }
    },
    tap: function (event) {
      var key = event.currentTarget.dataset.key
      if (!key) return
      var current = this.data.current
      if (current.length >= this.properties.maxLength) return
      // the first character is a province; the second a letter
      if (current.length === 0 && PROVINCES.indexOf(key) < 0) return
      if (current.length === 1 && !/^[A-Z]$/.test(key)) return
      this.apply(current + key, true)
    },
    remove: function () {
      var current = this.data.current
      if (current.length === 0) return
      this.apply(current.slice(0, -1), true)
    },
    switchMode: function () {
      this.setData({ mode: this.data.mode === 'province' ? 'char' : 'province' })
    },
    done: function () {
      this.triggerEvent('confirm', { value: this.data.current })
    },
  },
})
