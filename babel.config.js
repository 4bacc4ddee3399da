// Babel for the Taro builds and for the jest 'components' project.
const isJest = process.env.NODE_ENV === 'test' || process.env.JEST_WORKER_ID !== undefined

module.exports = {
  presets: [
    [
      'taro',
      {
        framework: 'react',
        ts: true,
        compiler: 'webpack5',
        // jest runs CommonJS; the Taro builds keep ES modules for tree shaking
        ...(isJest ? { modules: 'commonjs', targets: { node: 'current' } } : {}),
      },
    ],
  ],
  plugins: [
    [
      'import',
      {
        libraryName: '@nutui/nutui-react-taro',
        libraryDirectory: 'dist/es/packages',
        // NutUI on demand: each component with its own stylesheet, never the full one.
        // babel-plugin-import hands us kebab-case (radio-group); NutUI's folders are radiogroup.
        customName: (name) => `@nutui/nutui-react-taro/dist/es/packages/${name.replace(/-/g, '')}`,
        customStyleName: (name) =>
          `@nutui/nutui-react-taro/dist/es/packages/${name.replace(/-/g, '')}/style/css`,
      },
      'nutui-react-taro',
    ],
  ],
}
