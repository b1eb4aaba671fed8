// The untrusted-XML guards of src/saml/xml.ts: nesting depth (a linear scan, so deep documents are
// refused before any recursive walk), DOCTYPE/ENTITY detection, strict base64.
import { describe, expect, it } from 'vitest';
import { decodeBase64Xml, hasDoctype, xmlDepth, XmlInputError } from '../../src/saml/xml';

describe('xmlDepth', () => {
  it.each([
    ['<a/>', 1],
    ['<a><b/><c><d></d></c></a>', 3],
    ['<a x="1>2" y=\'/>\'><b/></a>', 2],
    ['<?xml version="1.0"?><!-- <x><y><z> --><a><![CDATA[<p><q>]]></a>', 1],
    ['<a>' + '<b>'.repeat(200) + '</b>'.repeat(200) + '</a>', 201],
  ])('%s → %i', (xml, depth) => {
    expect(xmlDepth(xml)).toBe(depth);
  });
});

describe('guards', () => {
  it('DOCTYPE and ENTITY declarations are found in any case', () => {
    expect(hasDoctype('<!doctype x><x/>')).toBe(true);
    expect(hasDoctype('<!ENTITY a "b"><x/>')).toBe(true);
    expect(hasDoctype('<x>DOCTYPE</x>')).toBe(false);
  });

  it('base64: line breaks tolerated, anything else refused', () => {
    expect(decodeBase64Xml('PHgv\nPg==')).toBe('<x/>');
    expect(() => decodeBase64Xml('PHgvPg')).toThrow(XmlInputError);
    expect(() => decodeBase64Xml('PHgv*g==')).toThrow('not base64');
    expect(() => decodeBase64Xml(Buffer.from([0xff, 0xfe, 0x3c]).toString('base64'))).toThrow('not UTF-8 text');
  });
});
