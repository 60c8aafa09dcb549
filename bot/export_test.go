package bot

// StoreTxID is storeTxID for the package's external tests (the
// benchmarks count commits with it).
var StoreTxID = storeTxID
