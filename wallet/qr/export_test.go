package qr

// FlateDict exposes the SP1 DEFLATE dictionary to the tests of package
// qr_test, which build hostile payloads with it.
const FlateDict = sp1FlateDict

// Terms exposes the SP1 term dictionary to the tests.
var Terms = sp1Terms[:]

// Base45Encode and Base45Decode expose the RFC 9285 codec to the tests.
var (
	Base45Encode = base45Encode
	Base45Decode = base45Decode
)
