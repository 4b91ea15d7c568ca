import type * as t from 'io-ts'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { DescribeContextFilesBody, GetContextInfoBody, ListContextsBody, PresignedUrlBody } from '../../src/wire/codecs/actions.js'
import { HANDLERS } from '../../src/emulator/actions/index.js'
import type { Handler } from '../../src/emulator/actions/common.js'
import type { ActionBody } from '../../src/emulator/envelope.js'
import { ACTIONS } from '../../src/wire/protocol.js'

/**
 * Type-level: an emulator handler answers the encoded form of the SDK's response codec for its
 * action, so a field the SDK would not read is a compile error (issue 10 item 7). Checked by
 * `npm run typecheck`; an unused `@ts-expect-error` fails it as well.
 */
describe('emulator handler bodies are typed by the SDK response codecs (issue 10 item 7)', () => {
  it('types each handler with the encoded body of its action codec', () => {
    expectTypeOf(HANDLERS.GetContextInfo).returns.resolves.toEqualTypeOf<t.OutputOf<typeof GetContextInfoBody>>()
    expectTypeOf(HANDLERS.ListContexts).returns.resolves.toEqualTypeOf<t.OutputOf<typeof ListContextsBody>>()
    expectTypeOf(HANDLERS.DescribeContextFiles).returns.resolves.toEqualTypeOf<t.OutputOf<typeof DescribeContextFilesBody>>()
    expectTypeOf(HANDLERS.GetContextFileDownloadUrl).returns.resolves.toEqualTypeOf<t.OutputOf<typeof PresignedUrlBody>>()
    expectTypeOf<ActionBody<'SyncContext'>>().toEqualTypeOf<Record<string, never>>()
    expect(Object.keys(HANDLERS).sort()).toEqual([...ACTIONS].sort())
  })

  it('refuses a misspelt, mistyped or extra field at compile time', () => {
    const resource = { SessionId: 's', ResourceUrl: '', AppInstanceId: '', ResourceId: '', HttpPort: '', NetworkInterfaceIp: '', Token: '', VpcResource: false }
    const answers: unknown[] = [
      { Data: { ...resource, LinkUrl: '' } } satisfies ActionBody<'CreateMcpSession'>,
      // @ts-expect-error -- `ContextStatuss` is not a field of GetContextInfoBody
      { Data: { ContextStatuss: '[]' } } satisfies ActionBody<'GetContextInfo'>,
      // @ts-expect-error -- ContextStatus is a JSON *string* on the wire (§2.3), not the task array
      { Data: { ContextStatus: [] } } satisfies ActionBody<'GetContextInfo'>,
      // @ts-expect-error -- top-level list fields are named by the codec: `NextToken`, not `Nexttoken`
      { Data: [], Nexttoken: '' } satisfies ActionBody<'ListContexts'>,
      // @ts-expect-error -- ExpireTime is epoch seconds, a JSON number
      { Data: { Url: 'http://x', ExpireTime: '1' } } satisfies ActionBody<'GetContextFileUploadUrl'>,
      // @ts-expect-error -- an envelope-only action answers nothing beyond the envelope
      { Data: {} } satisfies ActionBody<'SyncContext'>,
      // @ts-expect-error -- `FileNme` misspelt inside a list item
      { Data: [{ FilePath: '/a', Size: 1, FileNme: 'a' }] } satisfies ActionBody<'DescribeContextFiles'>,
      // @ts-expect-error -- official-SDK-only fields are typed too: `VpcResource` is a boolean
      { Data: { ...resource, LinkUrl: '', VpcResource: 'false' } } satisfies ActionBody<'CreateMcpSession'>,
    ]
    // A handler declared the way src/emulator/actions declares them: the return type is checked.
    async function presign(): Promise<ActionBody<'GetContextFileUploadUrl'>> {
      // @ts-expect-error -- `ExpiresTime` misspelt in a handler's answer
      return { Data: { Url: 'http://x', ExpiresTime: 1 } }
    }
    const registered: Handler<'GetContextFileUploadUrl'> = presign
    expect([answers.length, typeof registered]).toEqual([8, 'function'])
  })
})
