"""Storage: the SQLCipher-encrypted case file. Knows SQL, not Qt."""
