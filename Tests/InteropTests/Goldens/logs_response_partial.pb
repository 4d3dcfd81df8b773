
0ÿÿÿÿÿÿÿÿ$all log records rejected: queue full