module benchpeer/gohealth

go 1.19
