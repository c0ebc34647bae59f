y: x
