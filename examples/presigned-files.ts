// Files in a context's storage without a session: presigned upload and download URLs.
// `uploadAsync`/`downloadAsync` are the Promise forms; `upload` (the Observable) reports progress while it streams.
//
// Run: AGENTBAY_ENDPOINT=… AGENTBAY_API_KEY=… npx tsx examples/presigned-files.ts
import { createHash } from 'node:crypto'
import { firstValueFrom, lastValueFrom, tap } from 'rxjs'
import { AgentBay } from '../src/entries/index.js'

const agentBay = new AgentBay()
const context = await firstValueFrom(agentBay.context.create(`example-files-${Date.now()}`))

// Promise forms.
const uploaded = await agentBay.context.uploadAsync(context.id, 'docs/readme.txt', 'presigned hello\n', { contentType: 'text/plain' })
console.log(`uploadAsync: success=${uploaded.success} bytes=${uploaded.success ? uploaded.transferredBytes : 0}`)
const downloaded = await agentBay.context.downloadAsync(context.id, 'docs/readme.txt')
console.log(`downloadAsync: ${downloaded.success ? new TextDecoder().decode(downloaded.data).trim() : downloaded.errorMessage}`)

// Observable with progress, for a larger file.
const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251)
let progressEvents = 0
await lastValueFrom(
  agentBay.context.upload(context.id, 'data/big.bin', big).pipe(
    tap((event) => {
      if (event.kind === 'progress') progressEvents++
      else console.log(`upload: ${event.transferredBytes} bytes after ${progressEvents} progress event(s)`)
    }),
  ),
)
const back = await agentBay.context.downloadAsync(context.id, 'data/big.bin')
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
console.log(`round trip: ${back.success && sha(back.data) === sha(big) ? 'same sha256' : 'MISMATCH'}`)

// The URL itself, e.g. to hand to another process. It carries a signature: treat it as a secret.
const url = await firstValueFrom(agentBay.context.getFileDownloadUrl(context.id, 'docs/readme.txt'))
console.log(`download URL path: ${new URL(url.url).pathname.split('/').slice(0, 2).join('/')}/…`)

const listed = await firstValueFrom(agentBay.context.listFiles(context.id, '/docs'))
console.log(`listFiles /docs: ${listed.entries.map((entry) => `${entry.fileName} (${entry.size} B)`).join(', ')}`)
await firstValueFrom(agentBay.context.deleteFile(context.id, 'docs/readme.txt'))
await firstValueFrom(agentBay.context.delete(context))
