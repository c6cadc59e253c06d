; Comments that may carry escape annotations (//escape:..., //gcassert:...), and the
; function declarations they may document.
(comment) @comment
(function_declaration name: (identifier) @func.name parameters: (parameter_list) @func.params) @func
(method_declaration receiver: (parameter_list) @func.recv name: (field_identifier) @func.name parameters: (parameter_list) @func.params) @func
