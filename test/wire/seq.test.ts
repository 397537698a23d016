import { seqAdd, seqGe, seqGt, seqInWindow, seqLe, seqLt, seqSub } from '../../src/wire';

const MAX = 0xffffffff;

describe('seqAdd', () => {
  it('wraps modulo 2^32', () => {
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqAdd(MAX, 1)).toBe(0);
    expect(seqAdd(5, 10)).toBe(15);
  });

  it('takes negative steps back across zero', () => {
    expect(seqAdd(0x10, -0x20)).toBe(0xfffffff0);
    expect(seqAdd(0, -1)).toBe(MAX);
  });
});

describe('seqSub', () => {
  it('gives the signed distance, the short way round', () => {
    expect(seqSub(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqSub(0xfffffff0, 0x10)).toBe(-0x20);
    expect(seqSub(7, 7)).toBe(0);
    expect(seqSub(0x7fffffff, 0)).toBe(0x7fffffff);
    expect(seqSub(0x80000000, 0)).toBe(-0x80000000);
  });
});

describe('comparisons', () => {
  it('order numbers across 2^32', () => {
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqLt(0x10, 0xfffffff0)).toBe(false);
    expect(seqGt(0xfffffff0, 0x10)).toBe(false);
  });

  it('order plain numbers as numbers', () => {
    expect(seqLt(1, 2)).toBe(true);
    expect(seqLe(2, 2)).toBe(true);
    expect(seqGe(2, 2)).toBe(true);
    expect(seqGt(2, 2)).toBe(false);
    expect(seqLt(2, 2)).toBe(false);
    expect(seqLe(3, 2)).toBe(false);
    expect(seqGe(1, 2)).toBe(false);
  });

  it('flip at half the circle', () => {
    expect(seqLt(0, 0x7fffffff)).toBe(true);
    expect(seqLt(0, 0x80000001)).toBe(false);
    expect(seqGt(0, 0x80000001)).toBe(true);
  });
});

describe('seqInWindow', () => {
  it('holds start and excludes start + size', () => {
    expect(seqInWindow(100, 100, 10)).toBe(true);
    expect(seqInWindow(109, 100, 10)).toBe(true);
    expect(seqInWindow(110, 100, 10)).toBe(false);
    expect(seqInWindow(99, 100, 10)).toBe(false);
  });

  it('works for a window that wraps', () => {
    expect(seqInWindow(0xfffffffa, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0x0f, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0x10, 0xfffffff0, 0x20)).toBe(false);
    expect(seqInWindow(0xffffffef, 0xfffffff0, 0x20)).toBe(false);
  });

  it('is empty for size 0', () => {
    expect(seqInWindow(100, 100, 0)).toBe(false);
  });

  it('takes windows wider than 2^31', () => {
    expect(seqInWindow(0x90000000, 0, 0xa0000000)).toBe(true);
  });
});
