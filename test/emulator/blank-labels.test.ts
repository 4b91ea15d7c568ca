// Stop 18 audit: `Labels={"":"x"}` and `Labels={"env":"  "}` were stored. The official SDKs refuse
// blank or whitespace-only label keys and values before calling (official-sdk-calls §2), so the
// emulator answers such a request the way it answers other bad labels: 400 InvalidParameter naming
// Labels, with nothing changed.
import { describe, expect, it } from 'vitest'
import { createSession, ok, rpc, useEmulator } from './helpers.js'

const BLANK = ['', ' ', '\t\n ']

/** [what is blank, labels holding that blank text, labels where spaces around a word are kept]. */
const CASES = [
  ['key', (blank: string) => ({ ok: 'fine', [blank]: 'x' }), { ' a ': 'b' }],
  ['value', (blank: string) => ({ ok: 'fine', env: blank }), { env: ' a ' }],
] as const

describe('label keys and values must not be blank', () => {
  const env = useEmulator()

  it.each(CASES)('refuses a blank or whitespace-only %s in CreateMcpSession, SetLabel and ListSession', async (part, labelsWith, spaced) => {
    const emulator = await env.start()
    const sessionId = await createSession(emulator, [], { Labels: JSON.stringify({ env: 'test' }) })

    for (const blank of BLANK) {
      const labels = JSON.stringify(labelsWith(blank))
      for (const [action, params] of [
        ['CreateMcpSession', { ImageId: 'linux_latest', Labels: labels }],
        ['SetLabel', { SessionId: sessionId, Labels: labels }],
        ['ListSession', { Labels: labels }],
      ] as const) {
        const answer = await rpc(emulator, emulator.apiKey, action, params)
        expect({ status: answer.status, code: answer.json['Code'], message: answer.json['Message'] }, `${action} ${JSON.stringify(blank)}`).toEqual({
          status: 400,
          code: 'InvalidParameter',
          message: `Labels is invalid: label ${part}s cannot be blank`,
        })
      }
    }

    // Nothing changed: still one session, with its labels.
    expect((await ok(emulator, 'ListSession', { Labels: '{}' }))['TotalCount']).toBe(1)
    expect(JSON.parse((await ok(emulator, 'GetLabel', { SessionId: sessionId }))['Data']['Labels'])).toEqual({ env: 'test' })
    // Spaces around a word are part of the key or value.
    await ok(emulator, 'SetLabel', { SessionId: sessionId, Labels: JSON.stringify(spaced) })
    expect(JSON.parse((await ok(emulator, 'GetLabel', { SessionId: sessionId }))['Data']['Labels'])).toEqual(spaced)
  })
})
