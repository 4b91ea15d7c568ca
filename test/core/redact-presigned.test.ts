import { describe, expect, it } from 'vitest'
import { redactUrl } from '../../src/entries/wire.js'
import { redactText } from '../../src/shared/redact.js'

describe('redaction of presigned URLs', () => {
  it('scrubs the credentials of S3, OSS and emulator presigned URLs', () => {
    const url =
      'https://bucket.example/obj?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc123&X-Amz-Security-Token=tok&OSSAccessKeyId=LTAI&security-token=st&token=emu&expires=99'
    const redacted = redactUrl(url)
    for (const secret of ['AKIA', 'abc123', '=tok', 'LTAI', '=st&', '=emu']) expect(redacted).not.toContain(secret)
    expect(redacted).toContain('expires=99')
  })

  it('scrubs the same parameters inside free text', () => {
    expect(redactText('PUT failed: ?X-Amz-Signature=abc123&x=1')).not.toContain('abc123')
  })

  it('free text and URLs scrub every secret name alike (sig, apikey, api_key included)', () => {
    const url = 'https://h.example/p?sig=s1ecret&apikey=k2ecret&api_key=k3ecret&Signature=s4ecret&keep=1'
    const inText = redactText(`request to ${url} failed`)
    const asUrl = redactUrl(url)
    for (const secret of ['s1ecret', 'k2ecret', 'k3ecret', 's4ecret']) {
      expect(inText).not.toContain(secret)
      expect(asUrl).not.toContain(secret)
    }
    expect(inText).toContain('keep=1')
  })
})
