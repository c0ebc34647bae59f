throw "custom error message"
