let s = "ééé"; in __curPos.column
