module github.com/embedis/embedis/gorillasessions

go 1.23

require (
	github.com/embedis/embedis v0.0.0
	github.com/gorilla/sessions v1.4.0
)

require github.com/gorilla/securecookie v1.1.2 // indirect

replace github.com/embedis/embedis => ../
