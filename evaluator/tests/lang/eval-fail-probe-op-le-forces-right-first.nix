(throw "a") <= (throw "b")
