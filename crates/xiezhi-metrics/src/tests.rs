//! Tests of the indicator engine against values worked out by hand from the contract.
