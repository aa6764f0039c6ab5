# actbench figure "Claim 4: Saturated sigmoid and tanh units kill the gradient": 2 panels
#   panel 1: "saturated units at initialisation"
#   panel 2: "first layer's gradient at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/04-saturation.gp
# (writes plots/04-saturation.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid"
$d1 << EOD
0.03 0 0 0
0.1 0 0 0
0.3 0 0 0
1 20.5602575 18.6328125 22.0203993
3 61.864728 61.2491319 62.7777778
EOD
# panel 1, "tanh"
$d2 << EOD
0.03 0 0 0
0.1 0 0 0
0.3 4.04021991 3.27256944 4.88628472
1 54.1314381 53.5075955 55.0483941
3 80.1263744 79.9312066 80.3689236
EOD
# panel 2, "sigmoid"
$d3 << EOD
0.03 2.11127806e-09 1.07945416e-09 2.71510287e-09
0.1 8.21659246e-06 5.24926305e-06 1.11968441e-05
0.3 0.00554334894 0.00340645727 0.00890250872
1 0.267275977 0.205527984 0.311736154
3 2.84425172 2.02312186 4.39401728
EOD
# panel 2, "tanh"
$d4 << EOD
0.03 1.36997742e-06 1.25756218e-06 1.50585705e-06
0.1 0.0020009417 0.00182293398 0.00212660595
0.3 3.78975362 2.85612143 4.5749203
1 22.0818937 19.2677532 24.9315797
3 455.247413 264.476134 783.394718
EOD

set terminal pngcairo size 1280,520 enhanced font "sans,10"
set output 'plots/04-saturation.png'
set multiplot layout 1,2 title "Claim 4: Saturated sigmoid and tanh units kill the gradient" noenhanced font ",12"

# ---- panel 1: "saturated units at initialisation"
set title "saturated units at initialisation" noenhanced
set xlabel "initial weight std" noenhanced
set ylabel "saturated units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.03, 0.1, 0.3, 1, 3)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

# ---- panel 2: "first layer's gradient at initialisation"
set title "first layer's gradient at initialisation" noenhanced
set xlabel "initial weight std" noenhanced
set ylabel "||dL/db|| of layer 1" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.03, 0.1, 0.3, 1, 3)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
