[ (toString [ ]) (toString [ [ ] ]) (toString [ null ]) (toString [ "" "" ]) ]
