
5117 data points rejected: NaN in monotonic sum ✗