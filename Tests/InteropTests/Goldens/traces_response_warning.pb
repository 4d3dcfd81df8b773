
42accepted with warnings: attribute values truncated