// Integer flags take plain decimal digits only: Number() reads '0x10' as 16, ' 7 ' as 7 and '' as 0
// (closing note 17, Left). The emulator's flags are checked here, without starting one.
import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { nonNegativeInt, port, positiveInt, positiveNumber } from '../../src/cli/parse.js'

const NOT_DECIMAL = ['0x10', ' 7 ', '7 ', '\t7', '1_000', '0b1', '0o7', '', ' ', '1e3', '+5', '-0', '7.0', '.5', 'Infinity', '١٢']

describe('integer flag parsers', () => {
  it.each([
    ['positiveInt', positiveInt],
    ['nonNegativeInt', nonNegativeInt],
    ['port', port],
  ] as const)('%s refuses every value that is not plain decimal digits', (_name, parse) => {
    for (const value of NOT_DECIMAL) expect(() => parse(value), JSON.stringify(value)).toThrow(InvalidArgumentError)
  })

  it('read decimal digits, leading zeros included, within their ranges', () => {
    expect(positiveInt('1')).toBe(1)
    expect(positiveInt('0010')).toBe(10)
    expect(positiveInt(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => positiveInt('0')).toThrow('expected an integer ≥ 1, in decimal digits')
    expect(() => positiveInt(String(Number.MAX_SAFE_INTEGER + 1))).toThrow(InvalidArgumentError)
    expect(nonNegativeInt('0')).toBe(0)
    expect(nonNegativeInt('250')).toBe(250)
    expect(port('0')).toBe(0)
    expect(port('65535')).toBe(65535)
    expect(() => port('65536')).toThrow('expected a port number within 0..65535, in decimal digits')
  })
})

describe('the seconds flag (--timeout)', () => {
  it('refuses what is not decimal notation, which Number() would read', () => {
    for (const value of ['0x10', ' 7 ', '1_000', '0b1', '', '1e3', '+5', 'Infinity', '5.', '1.2.3']) {
      expect(() => positiveNumber(value), JSON.stringify(value)).toThrow('expected a number > 0, in decimal digits')
    }
  })

  it('reads decimal numbers > 0, a fraction included', () => {
    expect(positiveNumber('10')).toBe(10)
    expect(positiveNumber('0.5')).toBe(0.5)
    expect(positiveNumber('.5')).toBe(0.5)
    expect(() => positiveNumber('0')).toThrow('expected a number > 0, in decimal digits')
    expect(() => positiveNumber('0.0')).toThrow(InvalidArgumentError)
  })
})
