''a''\nb''\tc''\rd''
