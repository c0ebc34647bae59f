# Indented strings made of random pieces (indentation, blank lines, escapes
# at a line's start, interpolations, a last line of spaces): their parts are
# compiled as they are read, each string measured in a first pass.
let x = "X"; in [
(''

''\é   
   
${ toString 1 }é''\n''$
    '')
(''   '''''$a   
''\\b c
''\é '''
    '')
(''

'''''$'''  ${ toString 1 }
  ''\n''\t'')
(''  
   
${x}   
é''\n${ toString 1 }''\t''\\	  
   

    '')
(''


''\x${x}''\t${ toString 1 }''\\  
${x}
  '')
(''
  ${x}
  '')
(''

  
    
'')
(''    	
  
  
    
é''\n''\x${x}
''\\${x}  ${x}
  '')
(''
ab c''\ta      
	''$''\é''\n   
${ toString 1 }''\n
    '')
(''

  a
  
    ''\n  ''\xé''\\  
'')
(''   '''éa b c''\n
  '')
(''


  '')
(''   ''\\
  


''\né''\t  '''${"q"}${"q"}'''
'')
(''
	éb c
  ''$b c''\\''\t'''${x}'')
(''   ''$''\é''\n
    '')
(''   

     aa ${ toString 1 }''\x''\t
  '')
(''
'''	''\\${ toString 1 }''$

'')
(''''\é''''''
''\x''\n''\n'')
(''
       
''\t 
'')
(''${"q"}${ toString 1 }éb c
  '')
(''

   
${x}  '')
(''é 
    '')
(''

${"q"}''\\   '''
	
''\\${x}b c

   

  '')
('' b c${x}${"q"}
	

      	é  '')
(''   
  
  é  '''


a''\x${x}'')
(''


  é   
   
   
'')
(''${ toString 1 }  ''\\'''
	  ''\t
    '')
(''   '''	''\x  ${"q"}''\\b c'''''\n${ toString 1 }''$${x}
    '')
(''
''\t${x}
  ''\x''\n
    ''\n''\n
  ''\té${x}''\nb c
    '')
(''    
''\x''$a
    '')
(''   ''\n
    
  ${ toString 1 }${x}'')
(''  
'''   
${x}
 ${x}
  '')
(''    ''\xé${"q"}''\\é  b c
  
'')
(''  

'')
(''
b c a   
a''\é${"q"}
''\n''\n	''\x${x}'')
(''     '')
(''
 ''$''\t''\x${"q"}''\é${ toString 1 }${ toString 1 }'''''$
  '')
(''   
  b c   
   
''\n    '')
(''   ${ toString 1 }${x}   
${x}''\naa''\n''\t'')
(''  
''\é${x}''\x    '')
(''    
  '')
(''

    ''\x	  ''\n

       '')
(''   b c	b c${ toString 1 }${ toString 1 }
    '')
(''


''\t   
${ toString 1 }''\é''\\''\é''$${ toString 1 }${x}
  '')
(''   ''\é''\x''\\
  '''''\n''\\b c''\é${ toString 1 }''\xé	''\n  '')
(''${ toString 1 }  '')
(''

  ''\é ${ toString 1 }
  ''\é'')
(''  

''$
''\é   

    
  
'')
(''	b c${x}
    	${ toString 1 }${x}
'')
(''
'''  ''\xb c   
'')
(''  
  ''\\${x}
'')
(''

	a	éa${ toString 1 }'''''\x''\n
    '')
(''   ${x}'')
(''
${ toString 1 }'''''$''\é''\n''\é  '')
(''
''\é'''é
'')
(''   ${"q"}''$${x}'''${x}''\n''\n''\nab c''\tb c
''\x'')
(''
    ''\éb c''\n
    
'')
(''${"q"}${"q"}a${ toString 1 }${x}${ toString 1 }''\n
	'')
(''

  '')
(''
é	b c''\n''$a''\n''$
  '')
(''
aé b c   

a${x}
     

    ${ toString 1 }${"q"}
      '')
(''      ''\n''$
    
  '')
(''

${"q"}
  ''\n'''''$a${ toString 1 }  ${x}

    '')
(''  
${ toString 1 }é${x}
  '')
(''  
a''$
  b c${x}''\é${"q"}
    ''$
  ''\n''$
${x}
    '')
(''  
  ${x}'')
(''   ''' ''\t''\x''\\${x}''\n
  é''$''\é

  ${ toString 1 }${x}'')
(''a
  é'')
(''a''\t''\x   

  ${ toString 1 } ''\n
  '')
(''

''\x''\x${x}''\é  '')
(''

${ toString 1 }éa   

''\é${x}'')
(''    
  ''$
  	''$	''\é'''''' 
    
    '')
(''  
${ toString 1 }
  '''''\\  '')
(''  
	''\x''\é''\\'')
(''
  '')
(''

    '')
(''

   ${x}
   é${x}
''\t
    	''\x'')
(''   a   
b c''\t'''a '''
    '')
(''''\n
  '')
(''  
b ca${"q"}   
b c
       
'''${x}'')
]
