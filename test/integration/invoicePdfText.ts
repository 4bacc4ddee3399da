import { execFile } from 'node:child_process'

/**
 * The text of a PDF as unpdf (pdf.js) extracts it. unpdf loads pdf.js as an ES module by dynamic
 * import, which jest's CommonJS runtime cannot do, so it runs in a plain Node process.
 */
const script = `
import { extractText, getDocumentProxy } from 'unpdf'
const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)))
const { text } = await extractText(pdf, { mergePages: true })
process.stdout.write(text)
`

export function pdfText(bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: __dirname, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    )
    child.stdin?.end(Buffer.from(bytes))
  })
}
