/**
 * Every case of the JSON Schema Test Suite (draft-07 and 2020-12) where the json-schema scorer disagrees with the
 * suite on purpose or through a documented ajv / ajv-formats limitation: one entry per test case, keyed
 * `draft/file :: group :: test`, with its reason. The conformance test fails on any other disagreement, and on
 * an entry here that agrees again (then delete the entry: the list only shrinks).
 */
export const REASONS = {
  CONTENT:
    'ajv does not validate contentEncoding / contentMediaType (annotations in draft-07; ajv docs: "content keywords … are not validated")',
  CROSS_DRAFT:
    'ajv runs one draft per instance; a $ref into a schema of another draft cannot be evaluated in that draft',
  DYNAMIC_REF:
    'ajv implements $dynamicRef only for the recursive-extension pattern with hash-fragment anchors (ajv docs, "$dynamicRef"); other dynamic-scope cases fail or recurse',
  EMPTY_ENUM: 'ajv rejects `enum: []` when compiling (it must have at least one item)',
  FLOAT_OVERFLOW: 'JavaScript numbers: 1e308 × 10 overflows to Infinity, which is not a multiple of 0.5',
  FORMAT_ASSERTED:
    'deliberate: the scorer asserts `format` in every draft (what `format: email` in an answer schema is for); the required 2020-12 suite expects an annotation only',
  FORMAT_MISSING:
    'ajv-formats does not implement idn-email, idn-hostname, iri or iri-reference (README list of formats); unknown formats are ignored, so every string passes',
  FORMAT_REGEX:
    'ajv-formats checks this format with a regular expression that approximates the RFC grammar (its README: "formats are implemented as regular expressions"); edge cases differ',
  PROTO:
    'ajv reads properties as data[key]: an own "__proto__" property is read through the prototype accessor',
  REF_RECURSION:
    'ajv 8 bug: a $ref into a $defs entry carrying its own $id (or a URN base) recurses forever at compile time, with a bare Ajv2020 too',
  REF_SIBLINGS: 'ajv v8 evaluates keywords beside $ref in draft-07 too (2019-09 semantics; ajv docs, "$ref")',
  REF_SIBLING_ID: 'ajv v8 applies $id beside $ref in draft-07 too (2019-09 semantics; ajv docs, "$ref")',
  REGEX_NO_U_FLAG:
    'ajv-formats checks `format: regex` with new RegExp() without the u flag, where \\a is a legal identity escape',
  UNEVALUATED_STATIC:
    'ajv computes evaluated items/properties statically; annotations from contains and from if without then/else are not collected',
  UNKNOWN_KEYWORD_ID:
    'ajv collects $id inside unknown keywords as real identifiers (documented ajv limitation)',
  VOCABULARY: 'ajv does not support custom meta-schemas with $vocabulary',
} as const;

export const ACCEPTED_DISAGREEMENTS: Record<string, keyof typeof REASONS> = {
  'draft7/optional/content.json :: validation of string-encoded content based on media type :: an invalid JSON document':
    'CONTENT',
  'draft7/optional/content.json :: validation of binary string-encoding :: an invalid base64 string (% is not a valid character)':
    'CONTENT',
  'draft7/optional/content.json :: validation of binary-encoded media type documents :: a validly-encoded invalid JSON document':
    'CONTENT',
  'draft7/optional/content.json :: validation of binary-encoded media type documents :: an invalid base64 string that is valid JSON':
    'CONTENT',
  'draft7/optional/cross-draft.json :: refs to future drafts are processed as future drafts :: missing bar is invalid':
    'CROSS_DRAFT',
  'draft7/optional/cross-draft.json :: refs to future drafts are processed as future drafts :: present bar is valid':
    'CROSS_DRAFT',
  'draft7/optional/float-overflow.json :: all integers are multiples of 0.5, if overflow is handled :: valid if optional overflow handling is implemented':
    'FLOAT_OVERFLOW',
  'draft7/optional/format/date-time.json :: validation of date-time strings :: a numeric offset without minutes is invalid':
    'FORMAT_REGEX',
  'draft7/optional/format/date-time.json :: validation of date-time strings :: hour 24 is invalid even with a leap second':
    'FORMAT_REGEX',
  'draft7/optional/format/date-time.json :: validation of date-time strings :: a second fraction of fifteen nines is valid':
    'FORMAT_REGEX',
  'draft7/optional/format/ecmascript-regex.json :: \\a is not an ECMA 262 control escape :: when used as a pattern':
    'REGEX_NO_U_FLAG',
  'draft7/optional/format/hostname.json :: validation of host names :: trailing dot': 'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: invalid Punycode':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: contains illegal char U+302E Hangul single dot tone mark':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with a Spacing Combining Mark':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with a Nonspacing Mark':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with an Enclosing Mark':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Exceptions that are DISALLOWED, right-to-left chars':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Exceptions that are DISALLOWED, left-to-right chars':
    'FORMAT_REGEX',
  "draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with no preceding 'l'":
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with nothing preceding':
    'FORMAT_REGEX',
  "draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with no following 'l'":
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with nothing following':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Greek KERAIA not followed by Greek':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Greek KERAIA not followed by anything':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERESH not preceded by Hebrew':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERESH not preceded by anything':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERSHAYIM not preceded by Hebrew':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERSHAYIM not preceded by anything':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: KATAKANA MIDDLE DOT with no other characters':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: Arabic-Indic digits mixed with Extended Arabic-Indic digits':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: ZERO WIDTH JOINER not preceded by Virama':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: ZERO WIDTH JOINER not preceded by anything':
    'FORMAT_REGEX',
  'draft7/optional/format/hostname.json :: validation of A-label (punycode) host names :: contains "--" in the 3rd and 4th position':
    'FORMAT_REGEX',
  'draft7/optional/format/idn-email.json :: validation of an internationalized e-mail addresses :: an invalid e-mail/idn e-mail address':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-email.json :: validation of an internationalized e-mail addresses :: a fullwidth commercial at is not a local-part separator':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: illegal first char U+302E Hangul single dot tone mark':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: contains illegal char U+302E Hangul single dot tone mark':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: a single label of 64 characters is too long':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: invalid label, correct Punycode':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: invalid Punycode':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label contains "--" in the 3rd and 4th position':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label starts with a dash':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label ends with a dash':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label starts and ends with a dash':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with a Spacing Combining Mark':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with a Nonspacing Mark':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with an Enclosing Mark':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Exceptions that are DISALLOWED, right-to-left chars':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Exceptions that are DISALLOWED, left-to-right chars':
    'FORMAT_MISSING',
  "draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with no preceding 'l'":
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with nothing preceding':
    'FORMAT_MISSING',
  "draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with no following 'l'":
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with nothing following':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Greek KERAIA not followed by Greek':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Greek KERAIA not followed by anything':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERESH not preceded by Hebrew':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERESH not preceded by anything':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERSHAYIM not preceded by Hebrew':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERSHAYIM not preceded by anything':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: KATAKANA MIDDLE DOT with no other characters':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Arabic-Indic digits mixed with Extended Arabic-Indic digits':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: ZERO WIDTH JOINER not preceded by Virama':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: ZERO WIDTH JOINER not preceded by anything':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: empty string':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: zero width non-joiner must pass at every occurrence':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: Bidi domain name with a digit-first label is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: label starting with a digit before a right-to-left letter is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: left-to-right label containing a right-to-left letter is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: right-to-left label mixing both digit types is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to a disallowed code point is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to a Bidi rule violation is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: a U-label whose A-label form is longer than 63 octets is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: empty label between two dots is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: a name longer than 253 characters is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to only ASCII is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of internationalized host names :: non-canonical Punycode that does not re-encode to itself is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single dot':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single fullwidth full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading dot':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading fullwidth full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing dot':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing fullwidth full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft7/optional/format/iri-reference.json :: validation of IRI References :: an invalid IRI Reference':
    'FORMAT_MISSING',
  'draft7/optional/format/iri-reference.json :: validation of IRI References :: an invalid IRI fragment':
    'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: an IPv6 address without enclosing brackets is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: an invalid relative IRI Reference':
    'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: an invalid IRI': 'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: an invalid IRI though valid IRI reference':
    'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: an IPv6 host whose embedded IPv4 has a leading zero is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/iri.json :: validation of IRIs :: a trailing newline after a valid IRI is invalid':
    'FORMAT_MISSING',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: a double quote in a path':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: square brackets outside an authority':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: a non-numeric port in a network-path reference':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: more than one at-sign in the authority':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: a leading zero in the IPv4 part of an IPv6 literal':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-reference.json :: validation of URI References :: a colon in the first segment of a relative-path reference':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-template.json :: format: uri-template :: a dotted variable name is valid':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-template.json :: format: uri-template :: a delete character in a literal is invalid':
    'FORMAT_REGEX',
  'draft7/optional/format/uri-template.json :: format: uri-template :: an apostrophe in a literal is valid':
    'FORMAT_REGEX',
  'draft7/optional/format/uri.json :: validation of URIs :: non-numeric port is invalid': 'FORMAT_REGEX',
  'draft7/optional/format/uri.json :: validation of URIs :: leading zero in an embedded IPv4 address is invalid':
    'FORMAT_REGEX',
  'draft7/optional/format/uri.json :: validation of URIs :: square brackets are not allowed in a path segment':
    'FORMAT_REGEX',
  'draft7/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches second anyOf, which has a real schema in it':
    'UNKNOWN_KEYWORD_ID',
  'draft7/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches non-schema in first anyOf':
    'UNKNOWN_KEYWORD_ID',
  'draft7/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches non-schema in third anyOf':
    'UNKNOWN_KEYWORD_ID',
  'draft7/properties.json :: properties whose names are Javascript object property names :: __proto__ not valid':
    'PROTO',
  'draft7/ref.json :: ref overrides any sibling keywords :: ref valid, maxItems ignored': 'REF_SIBLINGS',
  'draft7/ref.json :: $ref prevents a sibling $id from changing the base uri :: $ref resolves to /definitions/base_foo, data does not validate':
    'REF_SIBLING_ID',
  'draft7/ref.json :: $ref prevents a sibling $id from changing the base uri :: $ref resolves to /definitions/base_foo, data validates':
    'REF_SIBLING_ID',
  'draft2020-12/dynamicRef.json :: A $dynamicRef to a $dynamicAnchor in the same schema resource behaves like a normal $ref to an $anchor :: An array of strings is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef to an $anchor in the same schema resource behaves like a normal $ref to an $anchor :: An array of strings is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef resolves to the first $dynamicAnchor still in scope that is encountered when the schema is evaluated :: An array of strings is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef without anchor in fragment behaves identical to $ref :: An array of numbers is valid':
    'DYNAMIC_REF',
  "draft2020-12/dynamicRef.json :: A $dynamicRef with intermediate scopes that don't include a matching $dynamicAnchor does not affect dynamic scope resolution :: An array of strings is valid":
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: An $anchor with the same name as a $dynamicAnchor is not used for dynamic scope resolution :: Any array is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef without a matching $dynamicAnchor in the same schema resource behaves like a normal $ref to $anchor :: Any array is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef with a non-matching $dynamicAnchor in the same schema resource behaves like a normal $ref to $anchor :: Any array is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef that initially resolves to a schema with a matching $dynamicAnchor resolves to the first $dynamicAnchor in the dynamic scope :: The recursive part is valid against the root':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: A $dynamicRef that initially resolves to a schema with a matching $dynamicAnchor resolves to the first $dynamicAnchor in the dynamic scope :: The recursive part is not valid against the root':
    'DYNAMIC_REF',
  "draft2020-12/dynamicRef.json :: A $dynamicRef that initially resolves to a schema without a matching $dynamicAnchor behaves like a normal $ref to $anchor :: The recursive part doesn't need to validate against the root":
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: multiple dynamic paths to the $dynamicRef keyword :: number list with string values':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: multiple dynamic paths to the $dynamicRef keyword :: string list with number values':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: after leaving a dynamic scope, it is not used by a $dynamicRef :: string matches /$defs/thingy, but the $dynamicRef does not stop here':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: after leaving a dynamic scope, it is not used by a $dynamicRef :: first_scope is not in dynamic scope for the $dynamicRef':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: after leaving a dynamic scope, it is not used by a $dynamicRef :: /then/$defs/thingy is the final stop for the $dynamicRef':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: tests for implementation dynamic anchor and reference link :: correct extended schema':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $ref and $dynamicAnchor are independent of order - $defs first :: correct extended schema':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $ref and $dynamicAnchor are independent of order - $ref first :: correct extended schema':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $ref to $dynamicRef finds detached $dynamicAnchor :: number is valid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $ref to $dynamicRef finds detached $dynamicAnchor :: non-number is invalid':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $dynamicRef points to a boolean schema :: follow $dynamicRef to a false schema':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $dynamicRef skips over intermediate resources - direct reference :: integer property passes':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $dynamicRef avoids the root of each schema, but scopes are still registered :: data is sufficient for schema at second#/$defs/length':
    'DYNAMIC_REF',
  'draft2020-12/dynamicRef.json :: $dynamicRef avoids the root of each schema, but scopes are still registered :: data is not sufficient for schema at second#/$defs/length':
    'DYNAMIC_REF',
  'draft2020-12/enum.json :: empty enum :: string is invalid': 'EMPTY_ENUM',
  'draft2020-12/enum.json :: empty enum :: number is invalid': 'EMPTY_ENUM',
  'draft2020-12/enum.json :: empty enum :: null is invalid': 'EMPTY_ENUM',
  'draft2020-12/enum.json :: empty enum :: object is invalid': 'EMPTY_ENUM',
  'draft2020-12/enum.json :: empty enum :: array is invalid': 'EMPTY_ENUM',
  'draft2020-12/enum.json :: empty enum :: boolean is invalid': 'EMPTY_ENUM',
  'draft2020-12/format.json :: email format :: invalid email string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: regex format :: invalid regex string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: ipv4 format :: invalid ipv4 string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: ipv6 format :: invalid ipv6 string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: hostname format :: invalid hostname string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: date format :: invalid date string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: date-time format :: invalid date-time string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: time format :: invalid time string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: json-pointer format :: invalid json-pointer string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: relative-json-pointer format :: invalid relative-json-pointer string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: uri format :: invalid uri string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: uri-reference format :: invalid uri-reference string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: uri-template format :: invalid uri-template string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: uuid format :: invalid uuid string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/format.json :: duration format :: invalid duration string is only an annotation by default':
    'FORMAT_ASSERTED',
  'draft2020-12/optional/cross-draft.json :: refs to historic drafts are processed as historic drafts :: first item not a string is valid':
    'CROSS_DRAFT',
  'draft2020-12/optional/dynamicRef.json :: $dynamicRef skips over intermediate resources - pointer reference across resource boundary :: integer property passes':
    'DYNAMIC_REF',
  'draft2020-12/optional/float-overflow.json :: all integers are multiples of 0.5, if overflow is handled :: valid if optional overflow handling is implemented':
    'FLOAT_OVERFLOW',
  'draft2020-12/optional/format-assertion.json :: schema that uses custom metaschema with format-assertion: false :: format-assertion: false: valid string':
    'VOCABULARY',
  'draft2020-12/optional/format-assertion.json :: schema that uses custom metaschema with format-assertion: false :: format-assertion: false: invalid string':
    'VOCABULARY',
  'draft2020-12/optional/format-assertion.json :: schema that uses custom metaschema with format-assertion: true :: format-assertion: true: valid string':
    'VOCABULARY',
  'draft2020-12/optional/format-assertion.json :: schema that uses custom metaschema with format-assertion: true :: format-assertion: true: invalid string':
    'VOCABULARY',
  'draft2020-12/optional/format/date-time.json :: validation of date-time strings :: a numeric offset without minutes is invalid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/date-time.json :: validation of date-time strings :: hour 24 is invalid even with a leap second':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/date-time.json :: validation of date-time strings :: a second fraction of fifteen nines is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/duration.json :: validation of duration strings :: years and days cannot appear without months':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/duration.json :: validation of duration strings :: hours and seconds cannot appear without minutes':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/ecmascript-regex.json :: \\a is not an ECMA 262 control escape :: when used as a pattern':
    'REGEX_NO_U_FLAG',
  'draft2020-12/optional/format/email.json :: validation of e-mail addresses :: a quoted string with a space in the local part is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/email.json :: validation of e-mail addresses :: a quoted string with a double dot in the local part is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/email.json :: validation of e-mail addresses :: a quoted string with a @ in the local part is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/email.json :: validation of e-mail addresses :: an IPv4-address-literal after the @ is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/email.json :: validation of e-mail addresses :: an IPv6-address-literal after the @ is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of host names :: trailing dot': 'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: invalid Punycode':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: contains illegal char U+302E Hangul single dot tone mark':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with a Spacing Combining Mark':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with a Nonspacing Mark':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Begins with an Enclosing Mark':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Exceptions that are DISALLOWED, right-to-left chars':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Exceptions that are DISALLOWED, left-to-right chars':
    'FORMAT_REGEX',
  "draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with no preceding 'l'":
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with nothing preceding':
    'FORMAT_REGEX',
  "draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with no following 'l'":
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: MIDDLE DOT with nothing following':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Greek KERAIA not followed by Greek':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Greek KERAIA not followed by anything':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERESH not preceded by Hebrew':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERESH not preceded by anything':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERSHAYIM not preceded by Hebrew':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Hebrew GERSHAYIM not preceded by anything':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: KATAKANA MIDDLE DOT with no other characters':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: Arabic-Indic digits mixed with Extended Arabic-Indic digits':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: ZERO WIDTH JOINER not preceded by Virama':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: ZERO WIDTH JOINER not preceded by anything':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/hostname.json :: validation of A-label (punycode) host names :: contains "--" in the 3rd and 4th position':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/idn-email.json :: validation of an internationalized e-mail addresses :: an invalid e-mail/idn e-mail address':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-email.json :: validation of an internationalized e-mail addresses :: a fullwidth commercial at is not a local-part separator':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: illegal first char U+302E Hangul single dot tone mark':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: contains illegal char U+302E Hangul single dot tone mark':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: a single label of 64 characters is too long':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: invalid label, correct Punycode':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: invalid Punycode':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label contains "--" in the 3rd and 4th position':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label starts with a dash':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label ends with a dash':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: U-label starts and ends with a dash':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with a Spacing Combining Mark':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with a Nonspacing Mark':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Begins with an Enclosing Mark':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Exceptions that are DISALLOWED, right-to-left chars':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Exceptions that are DISALLOWED, left-to-right chars':
    'FORMAT_MISSING',
  "draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with no preceding 'l'":
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with nothing preceding':
    'FORMAT_MISSING',
  "draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with no following 'l'":
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: MIDDLE DOT with nothing following':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Greek KERAIA not followed by Greek':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Greek KERAIA not followed by anything':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERESH not preceded by Hebrew':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERESH not preceded by anything':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERSHAYIM not preceded by Hebrew':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Hebrew GERSHAYIM not preceded by anything':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: KATAKANA MIDDLE DOT with no other characters':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Arabic-Indic digits mixed with Extended Arabic-Indic digits':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: ZERO WIDTH JOINER not preceded by Virama':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: ZERO WIDTH JOINER not preceded by anything':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: empty string':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: zero width non-joiner must pass at every occurrence':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: Bidi domain name with a digit-first label is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: label starting with a digit before a right-to-left letter is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: left-to-right label containing a right-to-left letter is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: right-to-left label mixing both digit types is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to a disallowed code point is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to a Bidi rule violation is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: a U-label whose A-label form is longer than 63 octets is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: empty label between two dots is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: a name longer than 253 characters is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: A-label that decodes to only ASCII is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of internationalized host names :: non-canonical Punycode that does not re-encode to itself is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single dot':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single fullwidth full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: single halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading dot':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading fullwidth full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: leading halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing dot':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing fullwidth full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/idn-hostname.json :: validation of separators in internationalized host names :: trailing halfwidth ideographic full stop':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri-reference.json :: validation of IRI References :: an invalid IRI Reference':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri-reference.json :: validation of IRI References :: an invalid IRI fragment':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: an IPv6 address without enclosing brackets is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: an invalid relative IRI Reference':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: an invalid IRI': 'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: an invalid IRI though valid IRI reference':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: an IPv6 host whose embedded IPv4 has a leading zero is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/iri.json :: validation of IRIs :: a trailing newline after a valid IRI is invalid':
    'FORMAT_MISSING',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: a double quote in a path':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: square brackets outside an authority':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: a non-numeric port in a network-path reference':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: more than one at-sign in the authority':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: a leading zero in the IPv4 part of an IPv6 literal':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-reference.json :: validation of URI References :: a colon in the first segment of a relative-path reference':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-template.json :: format: uri-template :: a dotted variable name is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-template.json :: format: uri-template :: a delete character in a literal is invalid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri-template.json :: format: uri-template :: an apostrophe in a literal is valid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri.json :: validation of URIs :: non-numeric port is invalid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri.json :: validation of URIs :: leading zero in an embedded IPv4 address is invalid':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uri.json :: validation of URIs :: square brackets are not allowed in a path segment':
    'FORMAT_REGEX',
  'draft2020-12/optional/format/uuid.json :: uuid format :: URN prefixed UUID is invalid': 'FORMAT_REGEX',
  'draft2020-12/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches second anyOf, which has a real schema in it':
    'UNKNOWN_KEYWORD_ID',
  'draft2020-12/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches non-schema in first anyOf':
    'UNKNOWN_KEYWORD_ID',
  'draft2020-12/optional/unknownKeyword.json :: $id inside an unknown keyword is not a real identifier :: type matches non-schema in third anyOf':
    'UNKNOWN_KEYWORD_ID',
  'draft2020-12/properties.json :: properties whose names are Javascript object property names :: __proto__ not valid':
    'PROTO',
  'draft2020-12/ref.json :: refs with relative uris and defs :: invalid on inner field': 'REF_RECURSION',
  'draft2020-12/ref.json :: refs with relative uris and defs :: invalid on outer field': 'REF_RECURSION',
  'draft2020-12/ref.json :: refs with relative uris and defs :: valid on both fields': 'REF_RECURSION',
  'draft2020-12/ref.json :: relative refs with absolute uris and defs :: invalid on inner field':
    'REF_RECURSION',
  'draft2020-12/ref.json :: relative refs with absolute uris and defs :: invalid on outer field':
    'REF_RECURSION',
  'draft2020-12/ref.json :: relative refs with absolute uris and defs :: valid on both fields':
    'REF_RECURSION',
  'draft2020-12/ref.json :: URN ref with nested pointer ref :: a string is valid': 'REF_RECURSION',
  'draft2020-12/ref.json :: URN ref with nested pointer ref :: a non-string is invalid': 'REF_RECURSION',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems with nested items :: with no additional items':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems with nested items :: with invalid additional item':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems with $dynamicRef :: with no unevaluated items':
    'DYNAMIC_REF',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems with $dynamicRef :: with unevaluated items':
    'DYNAMIC_REF',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems depends on adjacent contains :: contains passes, second item is not evaluated':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems depends on multiple nested contains :: 7 not evaluated, fails unevaluatedItems':
    'UNEVALUATED_STATIC',
  "draft2020-12/unevaluatedItems.json :: unevaluatedItems and contains interact to control item dependency relationship :: only b's are invalid":
    'UNEVALUATED_STATIC',
  "draft2020-12/unevaluatedItems.json :: unevaluatedItems and contains interact to control item dependency relationship :: only c's are invalid":
    'UNEVALUATED_STATIC',
  "draft2020-12/unevaluatedItems.json :: unevaluatedItems and contains interact to control item dependency relationship :: only b's and c's are invalid":
    'UNEVALUATED_STATIC',
  "draft2020-12/unevaluatedItems.json :: unevaluatedItems and contains interact to control item dependency relationship :: only a's and c's are invalid":
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems with minContains = 0 :: all items evaluated by contains':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedItems.json :: unevaluatedItems can see annotations from if without then and else :: valid in case if is evaluated':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedProperties.json :: unevaluatedProperties with if/then/else, then not defined :: when if is true and has no unevaluated properties':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedProperties.json :: unevaluatedProperties with if/then/else, then not defined :: when if is false and has unevaluated properties':
    'UNEVALUATED_STATIC',
  'draft2020-12/unevaluatedProperties.json :: unevaluatedProperties with $dynamicRef :: with no unevaluated properties':
    'DYNAMIC_REF',
  'draft2020-12/unevaluatedProperties.json :: unevaluatedProperties with $dynamicRef :: with unevaluated properties':
    'DYNAMIC_REF',
  'draft2020-12/unevaluatedProperties.json :: unevaluatedProperties can see annotations from if without then and else :: valid in case if is evaluated':
    'UNEVALUATED_STATIC',
  'draft2020-12/vocabulary.json :: schema that uses custom metaschema with with no validation vocabulary :: no validation: invalid number, but it still validates':
    'VOCABULARY',
};
